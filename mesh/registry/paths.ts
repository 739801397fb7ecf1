/**
 * Registry znode paths: <base>/services/<service>/<instance-id> (Curator's
 * basePath/serviceName/instanceId with basePath = <base>/services).
 */

export const DEFAULT_BASE_PATH = '/mediamesh';

/** servicesRoot is the folder holding one child per service. */
export const servicesRoot = (base: string): string => `${base.replace(/\/+$/, '')}/services`;

/** servicePath is the folder of one service's instances. */
export const servicePath = (base: string, service: string): string => `${servicesRoot(base)}/${service}`;

/** instancePath is one instance's znode. */
export const instancePath = (base: string, service: string, id: string): string => `${servicePath(base, service)}/${id}`;

/** NAME_PATTERN: service names and instance ids usable as one znode name. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
