// Who owns what lambdash puts on an engine for one job only or for one process's life (a
// test's container, a build's temporary tag, a local cloud's function containers): a process,
// named so that another lambdash process can tell whether it still runs. A pid alone would not
// do: pids are reused, soon on a busy machine and surely after a reboot. So the name holds the
// process's start time (Linux: /proc/<pid>/stat, clock ticks since boot), the boot it belongs
// to, and the place its pid means something (the machine and the pid namespace): an owner from
// another place (a machine sharing a remote engine, a container with its own pid namespace)
// cannot be checked, and is never taken for gone.
//
// It lives in the local cloud because both the local cloud and the core need it, and the local
// cloud may not import the core (the core imports it from here, through core/process-owner.ts).
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';

interface Owner {
  readonly pid: number;
  /** Start time in clock ticks since boot; 0 where the system does not say (no /proc). */
  readonly start: number;
  /** 8 hex digits: the machine and pid namespace. */
  readonly place: string;
  /** 8 hex digits of the boot id; zeros where the system has none. */
  readonly boot: string;
}

/** `<pid>-<start>-<place>-<boot>`: fits a Docker tag and a label value alike. */
const TOKEN = /^(\d+)-(\d+)-([0-9a-f]{8})-([0-9a-f]{8})$/;

let self: Owner | undefined;

function currentOwner(): Owner {
  if (!self) {
    const read = (file: string) => {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch {
        return '';
      }
    };
    let pidNamespace = '';
    try {
      pidNamespace = readlinkSync('/proc/self/ns/pid');
    } catch {
      // Not Linux: one namespace for all.
    }
    const machine = read('/etc/machine-id') || read('/var/lib/dbus/machine-id');
    const place = createHash('sha256')
      .update(`${os.hostname()}\n${machine}\n${pidNamespace}`)
      .digest('hex')
      .slice(0, 8);
    const boot = read('/proc/sys/kernel/random/boot_id').replace(/-/g, '').slice(0, 8);
    self = {
      pid: process.pid,
      start: processStat(process.pid)?.start ?? 0,
      place,
      boot: /^[0-9a-f]{8}$/.test(boot) ? boot : '00000000',
    };
  }
  return self;
}

/** This process's owner token, for a label value or inside a tag. */
export function ownerToken(): string {
  const { pid, start, place, boot } = currentOwner();
  return `${pid}-${start}-${place}-${boot}`;
}

/**
 * Whether the owner named by `token` has certainly ended. False when it runs, and whenever
 * that cannot be known (another machine or pid namespace, a token of another form): what is
 * kept by mistake costs a little space, what is removed by mistake breaks someone's work.
 */
export function ownerGone(token: string): boolean {
  const match = TOKEN.exec(token);
  if (!match) return false;
  const [pid, start, place, boot] = [Number(match[1]), Number(match[2]), match[3], match[4]];
  const me = currentOwner();
  if (place !== me.place) return false;
  // Same machine and namespace, another boot: everything of that boot has ended.
  if (boot !== me.boot) return true;
  if (pid === me.pid) return start !== me.start;
  const stat = processStat(pid);
  if (stat) return stat.start !== start || stat.state === 'Z' || stat.state === 'X';
  // No /proc entry to read (not Linux, or hidden by hidepid): ask the kernel whether the pid
  // exists at all. Where start times are unknown a reused pid passes for the owner: kept.
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A process's state letter and start time, from /proc/<pid>/stat (Linux only). */
function processStat(pid: number): { state: string; start: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields count from its end.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const start = Number(fields[19]); // field 22, starttime
  return Number.isInteger(start) ? { state: fields[0] ?? '', start } : undefined;
}
