import type { Finding } from '../../../model/types.js';
import type { ActivityEvent, Check } from '../../model.js';
import { activityFinding, get, insufficient, truthy } from '../util.js';

const STOP = new Set(['StopConfigurationRecorder', 'DeleteConfigurationRecorder']);

export const configRecorderAllRegions: Check = {
  meta: {
    id: 'config-recorder-all-regions',
    title: 'AWS Config is recording in every region that has activity',
    severity: 'high',
    resourceTypes: ['AWS::Config::ConfigurationRecorder'],
    needs: ['config', 'cloudtrail'],
    description: 'Fails account regions with CloudTrail activity but no AWS Config data, recorders recorded as not recording, and recorders stopped in the period and not restarted.',
  },
  // Successful recorder stops and starts: a handful per account region, handed over in time order.
  activity: () => ({ match: (a) => a.event.eventSource === 'config.amazonaws.com' && !a.event.errorCode && (STOP.has(a.event.eventName) || a.event.eventName === 'StartConfigurationRecorder') }),
  evaluate: (ev, hits) => {
    if (ev.configRegions.size === 0 && ev.trailRegions.size === 0) return insufficient('neither AWS Config nor CloudTrail data in the input');
    const findings: Finding[] = [];
    for (const key of [...ev.trailRegions].sort()) {
      const [accountId = '', region = ''] = key.split('|');
      if (region === 'global' || ev.configRegions.has(key)) continue;
      findings.push({ resourceId: `${accountId}/${region}`, resourceType: 'AWS::Config::ConfigurationRecorder', status: 'FAIL', detail: `${accountId}/${region}: CloudTrail shows activity but the input has no AWS Config data for this region` });
    }
    for (const rec of ev.endState('AWS::Config::ConfigurationRecorder')) {
      const recording = get(rec.configuration, 'recording') ?? get(rec.supplementaryConfiguration, 'ConfigurationRecorderStatus', 'recording');
      if (recording !== undefined && !truthy(recording)) findings.push({ resourceId: `${rec.accountId}/${rec.region}`, resourceType: rec.resourceType, status: 'FAIL', detail: `${rec.accountId}/${rec.region}: recorder ${rec.resourceId} is not recording` });
    }
    const byRegion = new Map<string, ActivityEvent>();
    for (const a of hits.events) {
      const k = `${a.event.accountId}|${a.event.awsRegion}`;
      if (STOP.has(a.event.eventName)) byRegion.set(k, a);
      else if (a.event.eventName === 'StartConfigurationRecorder') byRegion.delete(k);
    }
    for (const a of byRegion.values()) findings.push({ ...activityFinding(a, 'FAIL', 'AWS Config recorder stopped and not restarted in the period'), resourceId: `${a.event.accountId}/${a.event.awsRegion}`, resourceType: 'AWS::Config::ConfigurationRecorder' });
    return findings.length > 0
      ? { status: 'FAIL', findings, reason: `${findings.length} account region(s) where AWS Config is not recording` }
      : { status: 'PASS', findings: [], reason: `AWS Config data present for all ${ev.trailRegions.size} account regions with CloudTrail activity` };
  },
};
