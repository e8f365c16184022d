// The CSR signing controller.
export { newCSRSigningController, reconcileCSR, planSigning, controllerName as csrSigningControllerName, type CSRSigningDeps } from './controller';
