import type { Check } from '../../model.js';
import { activityCloudtrailTampering } from './activity-cloudtrail-tampering.js';
import { activityConfigRecorderStopped } from './activity-config-recorder-stopped.js';
import { activityConsoleAuthenticationFailures } from './activity-console-authentication-failures.js';
import { activityConsoleSigninWithoutMfa } from './activity-console-signin-without-mfa.js';
import { activityIamPolicyChanges } from './activity-iam-policy-changes.js';
import { activityKmsKeyDisabledOrDeleted } from './activity-kms-key-disabled-or-deleted.js';
import { activityNetworkAclChanges } from './activity-network-acl-changes.js';
import { activityNetworkGatewayChanges } from './activity-network-gateway-changes.js';
import { activityOrganizationsChanges } from './activity-organizations-changes.js';
import { activityRootAccountUsed } from './activity-root-account-used.js';
import { activityRouteTableChanges } from './activity-route-table-changes.js';
import { activityS3BucketPolicyChanges } from './activity-s3-bucket-policy-changes.js';
import { activitySecurityGroupChanges } from './activity-security-group-changes.js';
import { activityUnauthorizedApiCalls } from './activity-unauthorized-api-calls.js';
import { activityVpcChanges } from './activity-vpc-changes.js';
import { changeManagementAuthorizedPrincipals } from './change-management-authorized-principals.js';
import { configRulesCompliant } from './config-rules-compliant.js';

export const ACTIVITY_CHECKS: Check[] = [
  activityRootAccountUsed,
  activityUnauthorizedApiCalls,
  activityConsoleSigninWithoutMfa,
  activityConsoleAuthenticationFailures,
  activityCloudtrailTampering,
  activityConfigRecorderStopped,
  activityKmsKeyDisabledOrDeleted,
  activityIamPolicyChanges,
  activityS3BucketPolicyChanges,
  activitySecurityGroupChanges,
  activityNetworkAclChanges,
  activityNetworkGatewayChanges,
  activityRouteTableChanges,
  activityVpcChanges,
  activityOrganizationsChanges,
  changeManagementAuthorizedPrincipals,
  configRulesCompliant,
];
