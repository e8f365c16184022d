// Public API of the CronJob controller.
export { newCronJobController, controllerName, type CronJobControllerDeps } from './controller';
export { reconcileCronJob, jobForSchedule, scheduledTimestampAnnotation, type CronJobDeps } from './sync';
export { parseSchedule, nextAfter, mostRecentScheduleTime, ScheduleError, type Schedule } from './schedule';
