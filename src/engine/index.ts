/** The engine's public surface: pure maths over tfjs, no DOM, no worker. */
export * from './costs';
export * from './init';
export * from './preprocess';
export * from './run';
export * from './settings';
export * from './targets';
export * from './vgg16';
export * from './optimizers';
export * from './objective';
