// The root CA certificate publisher.
export {
  newRootCACertPublisher, reconcileRootCACert, planRootCACert, rootCAFromConfig,
  controllerName as rootCACertPublisherName, rootCACertConfigMapName, descriptionAnnotation, description as rootCACertDescription,
  type RootCACertPublisherDeps, type RootCACertPlan,
} from './controller';
