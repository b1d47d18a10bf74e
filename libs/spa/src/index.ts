/** Serving a single-page app's build. */
export { SpaSite, type SpaSiteOptions } from './site.js';
