import type { Check } from '../../model.js';
import { perResource } from '../util.js';
import { TRAIL, trailFlag } from './_shared.js';

export const cloudtrailLogFileValidation: Check = {
  meta: {
    id: 'cloudtrail-log-file-validation',
    title: 'CloudTrail log file validation is enabled',
    severity: 'medium',
    resourceTypes: [TRAIL],
    needs: ['config', 'cloudtrail'],
    description: 'Fails trails whose logFileValidationEnabled is not true (without it, digest files are not written).',
  },
  evaluate: (ev) => perResource(ev, [TRAIL], (t) => (trailFlag(t, 'logFileValidationEnabled', 'LogFileValidationEnabled', 'EnableLogFileValidation') ? undefined : 'log file validation is off'), 'trails'),
};
