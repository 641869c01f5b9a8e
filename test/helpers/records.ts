/** A delivered CloudTrail record (a security-group write by an IAM user in 2026-Q3), with overrides. */
export function cloudTrailEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111111111111:user/alice', accountId: '111111111111', accessKeyId: 'AKIAEXAMPLE' },
    eventTime: '2026-07-02T10:00:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'AuthorizeSecurityGroupIngress',
    awsRegion: 'us-east-1',
    requestParameters: { groupId: 'sg-1' },
    eventID: 'e-1',
    readOnly: false,
    recipientAccountId: '111111111111',
    ...overrides,
  };
}
