import { s3DataEventsCheck } from './_data-events.js';

export const cloudtrailS3DataEventsWrite = s3DataEventsCheck('write');
