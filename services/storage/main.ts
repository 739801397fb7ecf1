/** The storage service process: `node dist/services/storage/main.js`. */
import '../../observability/start';
import { runMain } from '../runtime';
import { storageService } from './definition';

runMain(storageService);
