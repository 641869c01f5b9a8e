import { calls, dangerousActivity } from './_shared.js';

export const activityConfigRecorderStopped = dangerousActivity(
  {
    id: 'activity-config-recorder-stopped',
    title: 'AWS Config recording was not stopped or reconfigured in the period',
    severity: 'high',
    description: 'Lists StopConfigurationRecorder, DeleteConfigurationRecorder, DeleteDeliveryChannel, PutConfigurationRecorder and PutDeliveryChannel calls.',
  },
  calls('config.amazonaws.com', ['StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel', 'PutConfigurationRecorder', 'PutDeliveryChannel']),
  'AWS Config configuration change',
);
