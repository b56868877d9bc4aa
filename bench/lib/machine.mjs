import { cpus, freemem, loadavg, totalmem } from 'node:os';

const GIB = 1024 ** 3;

/** What the figures were measured on, and how busy the machine was. */
export function machineInfo() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / GIB) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / GIB) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

/** The 1, 5 and 15 minute load averages, two decimals. */
export function load() {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}
