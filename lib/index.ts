export * from './engine';
export * from './node-type';
export * from './windows';
export * from './subnet-group';
export * from './parameter-group';
export * from './network';
export * from './endpoint';
export * from './memcached-cluster';
