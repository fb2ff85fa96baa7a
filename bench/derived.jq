# Figures derived from a bench/run.sh results JSON, for report.sh and compare.sh (jq -L bench 'include "derived"; ...').
# The JIT compiler's compiling in the c=32 phase, µs per created user: its threads are part of the stack JVM's /proc
# counters, and a warm-up that hit its step cap leaves 10-20 % of the phase there.
def jit_us:
  if (.jit.measured.compileMs // null) == null or (.cpu.post.users // 0) == 0 then "n/a"
  else (.jit.measured.compileMs * 1000 / .cpu.post.users | round) end;
# The stack JVM's CPU per created user without that compiling: what is left once the JIT has settled.
def stack_less_jit:
  jit_us as $jit | if $jit == "n/a" then "n/a" else (.cpu.post.perUserUs.stack - $jit) end;
