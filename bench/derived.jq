# Figures derived from a bench/run.sh results JSON, for report.sh and compare.sh (jq -L bench 'include "derived"; ...').
# The JIT compiler's compiling in the c=32 phase, µs per created user: its threads are part of the stack JVM's /proc
# counters, and a warm-up that hit its step cap leaves 10-20 % of the phase there.
# The compiler's ms in a measured phase (j: a .jit.measured object): its threads' CPU from /proc since 2026-11-29
# 23:50; before that jstat's compile time, which is elapsed time (on a busy box up to 3 x the CPU).
def compile_ms(j): j.compilerCpuMs // j.compileMs;
def jit_source: if .jit.measured.compilerCpuMs then "the compiler threads' CPU" else "jstat's elapsed compile time" end;
def jit_us:
  if compile_ms(.jit.measured // {}) == null or (.cpu.post.users // 0) == 0 then "n/a"
  else (compile_ms(.jit.measured) * 1000 / .cpu.post.users | round) end;
# The stack JVM's CPU per created user without that compiling: what is left once the JIT has settled.
def stack_less_jit:
  jit_us as $jit | if $jit == "n/a" then "n/a" else (.cpu.post.perUserUs.stack - $jit) end;
