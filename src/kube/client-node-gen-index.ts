// What client-node's config.js imports from its generated index ('./gen/index.js'), taken from the
// two files that define it. kube-config.ts hands config.js this module instead of the index, which
// would load every generated API and model (see there). If config.js ever imports another name,
// loading fails at startup with "does not provide an export named …", and a unit test says so first.
export { createConfiguration } from '@kubernetes/client-node/dist/gen/configuration.js';
export { ServerConfiguration } from '@kubernetes/client-node/dist/gen/servers.js';
