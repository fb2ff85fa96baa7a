package io.microservicestack.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU time by process group over one phase of {@code bench/run.sh}, from {@code /proc/<pid>/stat} (utime + stime:
 * a process's figure includes all its threads, the exited ones too).
 *
 * <p>Every {@value #INTERVAL_MS} ms it reads every process's counter; a group's CPU is the sum over its processes of
 * the last reading minus the first (zero for a process born during the phase, so a short-lived PostgreSQL backend
 * or a load generator started after the sampler counts whole). What a process used between its last reading and its
 * exit is lost: at most {@value #INTERVAL_MS} ms of its run, a few per cent of a short pgbench phase (which flatters
 * pgbench, the limit). Children's counters ({@code cutime}) are not added: a parent's would count its exited children
 * a second time.
 *
 * <p>Groups: {@code stack} (the given JVM pids), {@code postgresRun} (backends whose client port belongs to a stack
 * JVM or to pgbench, matched through the socket inodes of {@code /proc/<pid>/fd} and {@code /proc/net/tcp}),
 * {@code postgresBackground} (postmaster, walwriter, checkpointer, autovacuum...: shared with whatever else uses the
 * server), {@code postgresOthers} (other clients' backends: not this run's), {@code rabbitmq} (beam.smp and its
 * helpers), {@code redis}, {@code load} (wrk, pgbench, RabbitMQ's PerfTest, and the given pids), {@code other}.
 *
 * <p>{@code java -jar bench.jar cpu --stop-file F --ready-file R [--stack-pids 1,2] [--load-pids 3] [--hz 100]}:
 * writes R after the first reading, stops once F exists, prints one JSON object of seconds per group.
 */
final class CpuSampler {

  static final long INTERVAL_MS = 50;
  private static final Pattern CLIENT_PORT = Pattern.compile("\\((\\d+)\\)");
  private static final String PERF_TEST = "com.rabbitmq.perf.PerfTest";
  private static final Set<String> RABBITMQ = Set.of("beam.smp", "erl_child_setup", "epmd", "inet_gethost");

  private final Set<Integer> stackPids;
  private final Set<Integer> loadPids;
  private final double hz;
  /** pid → [group, first ticks, last ticks]; a pid's group is fixed once known. */
  private final Map<Integer, Reading> readings = new HashMap<>();

  private CpuSampler(Set<Integer> stackPids, Set<Integer> loadPids, double hz) {
    this.stackPids = stackPids;
    this.loadPids = loadPids;
    this.hz = hz;
  }

  static JsonObject run(Map<String, String> options) throws IOException, InterruptedException {
    CpuSampler sampler = new CpuSampler(pids(options.get("stack-pids")), pids(options.get("load-pids")),
      Double.parseDouble(options.getOrDefault("hz", "100")));
    Path stop = Path.of(options.get("stop-file"));
    long start = System.nanoTime();
    sampler.sample(true);
    Files.writeString(Path.of(options.get("ready-file")), "ready\n");
    while (!Files.exists(stop)) {
      Thread.sleep(INTERVAL_MS);
      sampler.sample(false);
    }
    sampler.sample(false);
    return sampler.result((System.nanoTime() - start) / 1e9);
  }

  private void sample(boolean first) throws IOException {
    Map<Integer, Integer> clientPorts = null;
    try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path dir : proc) {
        int pid = Integer.parseInt(dir.getFileName().toString());
        String stat;
        try {
          stat = Files.readString(dir.resolve("stat"));
        } catch (IOException gone) {
          continue;
        }
        int close = stat.lastIndexOf(')');
        String comm = stat.substring(stat.indexOf('(') + 1, close);
        String[] fields = stat.substring(close + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        Reading reading = readings.get(pid);
        if (reading == null || reading.group == null) {
          if (comm.equals("postgres") && clientPorts == null) {
            clientPorts = clientPorts();
          }
          String group = group(pid, comm, dir, clientPorts);
          reading = reading == null ? new Reading(group, first ? ticks : 0) : reading.regroup(group);
          readings.put(pid, reading);
        }
        reading.last = ticks;
      }
    }
  }

  /** The process's group, or null for a backend whose client is not resolved yet (counted as {@code postgresOthers}). */
  private String group(int pid, String comm, Path dir, Map<Integer, Integer> clientPorts) {
    if (stackPids.contains(pid)) {
      return "stack";
    }
    if (loadPids.contains(pid) || comm.equals("wrk") || comm.equals("pgbench")) {
      return "load";
    }
    if (RABBITMQ.contains(comm)) {
      return "rabbitmq";
    }
    if (comm.equals("redis-server")) {
      return "redis";
    }
    if (!comm.equals("postgres") && !comm.equals("java")) {
      return "other";
    }
    String cmdline;
    try {
      cmdline = Files.readString(dir.resolve("cmdline")).replace('\0', ' ');
    } catch (IOException gone) {
      return comm.equals("java") ? "other" : "postgresBackground";
    }
    if (comm.equals("java")) {
      return cmdline.contains(PERF_TEST) ? "load" : "other";
    }
    Matcher port = CLIENT_PORT.matcher(cmdline);
    if (!port.find()) {
      return "postgresBackground";
    }
    return clientPorts.containsKey(Integer.parseInt(port.group(1))) ? "postgresRun" : null;
  }

  /** Local TCP ports of the stack JVMs' and pgbench's sockets → the owning pid. */
  private Map<Integer, Integer> clientPorts() {
    Map<Long, Integer> inodes = new HashMap<>();
    Set<Integer> clients = new HashSet<>(stackPids);
    readings.forEach((pid, r) -> {
      if ("load".equals(r.group)) {
        clients.add(pid);
      }
    });
    for (int pid : clients) {
      try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "fd"))) {
        for (Path fd : fds) {
          try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[")) {
              inodes.put(Long.parseLong(target.substring(8, target.length() - 1)), pid);
            }
          } catch (IOException | UnsupportedOperationException gone) {
            // the descriptor was closed meanwhile
          }
        }
      } catch (IOException gone) {
        // the process exited
      }
    }
    Map<Integer, Integer> ports = new HashMap<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && f[1].contains(":") && !f[0].equals("sl")) {
            Integer owner = inodes.get(Long.parseLong(f[9]));
            if (owner != null) {
              ports.put(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16), owner);
            }
          }
        }
      } catch (IOException | NumberFormatException e) {
        // no IPv6 table
      }
    }
    return ports;
  }

  private JsonObject result(double seconds) {
    Map<String, Long> ticks = new HashMap<>();
    readings.values().forEach(r -> ticks.merge(r.group == null ? "postgresOthers" : r.group, r.last - r.first, Long::sum));
    JsonObject groups = new JsonObject();
    for (String g : List.of("stack", "postgresRun", "postgresBackground", "postgresOthers", "rabbitmq", "redis", "load", "other")) {
      groups.put(g, ticks.getOrDefault(g, 0L) / hz);
    }
    return new JsonObject().put("seconds", seconds).put("cpuSeconds", groups);
  }

  private static Set<Integer> pids(String list) {
    Set<Integer> pids = new HashSet<>();
    if (list != null && !list.isBlank()) {
      for (String pid : list.split(",")) {
        pids.add(Integer.parseInt(pid.trim()));
      }
    }
    return pids;
  }

  /** One process's group and its first and latest CPU ticks. */
  private static final class Reading {
    private final String group;
    private final long first;
    private long last;

    Reading(String group, long first) {
      this.group = group;
      this.first = first;
    }

    Reading regroup(String newGroup) {
      Reading r = new Reading(newGroup, first);
      r.last = last;
      return r;
    }
  }
}
