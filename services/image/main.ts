/** The image service process: `node dist/services/image/main.js`. */
import '../../observability/start';
import { runMain } from '../runtime';
import { imageServiceDefinition } from './definition';

runMain(imageServiceDefinition);
