import type { Check } from '../../model.js';
import { accessAnalyzerEnabledAllRegions } from './access-analyzer-enabled-all-regions.js';
import { accessKeysRotated90Days } from './access-keys-rotated-90-days.js';
import { cloudshellFullAccessRestricted } from './cloudshell-full-access-restricted.js';
import { consoleUsersHaveMfa } from './console-users-have-mfa.js';
import { iamUsersNoDirectPolicies } from './iam-users-no-direct-policies.js';
import { noAccessKeysCreatedAtSetup } from './no-access-keys-created-at-setup.js';
import { noFullAdminPoliciesAttached } from './no-full-admin-policies-attached.js';
import { passwordPolicyMinLength14 } from './password-policy-min-length-14.js';
import { passwordPolicyPreventsReuse } from './password-policy-prevents-reuse.js';
import { rootAccessKeyAbsent } from './root-access-key-absent.js';
import { rootMfaEnabled } from './root-mfa-enabled.js';
import { singleActiveAccessKey } from './single-active-access-key.js';
import { supportRoleExists } from './support-role-exists.js';
import { unusedCredentialsDisabled } from './unused-credentials-disabled.js';

export const IAM_CHECKS: Check[] = [
  rootAccessKeyAbsent,
  rootMfaEnabled,
  consoleUsersHaveMfa,
  noAccessKeysCreatedAtSetup,
  unusedCredentialsDisabled,
  singleActiveAccessKey,
  accessKeysRotated90Days,
  passwordPolicyMinLength14,
  passwordPolicyPreventsReuse,
  iamUsersNoDirectPolicies,
  noFullAdminPoliciesAttached,
  supportRoleExists,
  cloudshellFullAccessRestricted,
  accessAnalyzerEnabledAllRegions,
];
