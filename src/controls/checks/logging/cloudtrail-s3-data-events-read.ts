import { s3DataEventsCheck } from './_data-events.js';

export const cloudtrailS3DataEventsRead = s3DataEventsCheck('read');
