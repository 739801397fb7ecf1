/** The video service process: `node dist/services/video/main.js`. */
import '../../observability/start';
import { runMain } from '../runtime';
import { videoService } from './service';

runMain(videoService);
