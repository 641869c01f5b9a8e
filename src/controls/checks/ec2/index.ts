import type { Check } from '../../model.js';
import { defaultSecurityGroupRestrictsAll } from './default-security-group-restricts-all.js';
import { ec2Imdsv2Required } from './ec2-imdsv2-required.js';
import { ec2InstancesUseInstanceProfile } from './ec2-instances-use-instance-profile.js';
import { networkAclNoAdminPortsOpen } from './network-acl-no-admin-ports-open.js';
import { securityGroupNoAdminPortsOpenIpv4 } from './security-group-no-admin-ports-open-ipv4.js';
import { securityGroupNoAdminPortsOpenIpv6 } from './security-group-no-admin-ports-open-ipv6.js';
import { securityGroupNoCifsOpen } from './security-group-no-cifs-open.js';
import { securityhubEnabled } from './securityhub-enabled.js';
import { vpcFlowLogsEnabled } from './vpc-flow-logs-enabled.js';

export const EC2_CHECKS: Check[] = [
  securityGroupNoAdminPortsOpenIpv4,
  securityGroupNoAdminPortsOpenIpv6,
  securityGroupNoCifsOpen,
  networkAclNoAdminPortsOpen,
  defaultSecurityGroupRestrictsAll,
  vpcFlowLogsEnabled,
  securityhubEnabled,
  ec2InstancesUseInstanceProfile,
  ec2Imdsv2Required,
];
