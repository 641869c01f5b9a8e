import type { Check } from '../../model.js';
import { securityGroupNoAdminPortsOpenIpv4 } from './security-group-no-admin-ports-open-ipv4.js';

export const EC2_CHECKS: Check[] = [securityGroupNoAdminPortsOpenIpv4];
