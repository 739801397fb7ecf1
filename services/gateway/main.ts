/**
 * The gateway process: `node dist/services/gateway/main.js`, the gateway (definition.ts) on the
 * service host's lifecycle.
 */
import './heap-for-size';
import '../../observability/start';
import { runMain } from '../runtime';
import { gatewayService } from './definition';

runMain(gatewayService);
