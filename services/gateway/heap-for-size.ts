/**
 * The gateway's V8 heap, tuned for a steady footprint: imported first by the gateway's entry, it
 * sets V8's --optimize-for-size before anything sizable is allocated. With V8's defaults the
 * gateway's heap total swung between ~94 and ~145 MB under a steady 10-minute soak (RSS 156–223 MB,
 * ±20 % from one minute to the next, no leak in heap used); with this flag RSS held at 110–114 MB
 * (heap total 54–59 MB), for ~0.4 ms more CPU per request in the gateway (bench/soak.ts, and the
 * notes of issue #10). The gateway is never the bottleneck of a request (image work is), so memory wins.
 * V8 reads this flag's heap heuristics at run time; set on the command line
 * (`node --optimize-for-size`) it is steadier still.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--optimize-for-size');
