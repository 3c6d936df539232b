#!/usr/bin/env bash
# Build-time benchmark of issue #13: a clean debug build, then `cargo test --no-run`
# after touching one intermediation handler and after touching one template, for a
# baseline commit and for HEAD, one after the other in the same run (each in its own
# worktree and target folder, so neither warms the other's cache).
#
#   scripts/bench-build.sh                # baseline: 63dc73d (before the workspace split)
#   scripts/bench-build.sh <commit>       # another baseline
#
# Takes about 10 minutes on the 2-core build machine. Run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
baseline="${1:-63dc73d}"
work="$(mktemp -d)"
trap 'git worktree remove --force "$work/baseline" 2>/dev/null || true;
      git worktree remove --force "$work/head" 2>/dev/null || true; rm -rf "$work"' EXIT

seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }

measure() { # name checkout
  local name=$1 dir=$2 handler template
  if [[ -d "$dir/crates/intermediation" ]]; then
    handler=crates/intermediation/src/vacancies/handlers.rs
    template=crates/intermediation/templates/intermediation/vacancy.html
  else
    handler=crates/sipe/src/intermediation/vacancies/handlers.rs
    template=crates/sipe/templates/intermediation/vacancy.html
  fi
  export CARGO_TARGET_DIR="$work/target-$name"
  cd "$dir"
  local clean touch_handler touch_template
  clean=$(seconds cargo build)
  cargo test --no-run >/dev/null 2>&1
  echo "// touched" >> "$handler"
  touch_handler=$(seconds cargo test --no-run)
  git checkout -- "$handler"
  cargo test --no-run >/dev/null 2>&1
  echo "<!-- touched -->" >> "$template"
  touch_template=$(seconds cargo test --no-run)
  git checkout -- "$template"
  cd - >/dev/null
  printf '| %s | %.0f s | %.1f s | %.1f s |\n' "$name ($(git rev-parse --short "$3"))" \
    "$clean" "$touch_handler" "$touch_template"
}

git worktree add --detach "$work/baseline" "$baseline" >/dev/null 2>&1
git worktree add --detach "$work/head" HEAD >/dev/null 2>&1
echo "| checkout | clean debug build | test --no-run, handler touched | test --no-run, template touched |"
echo "|---|---|---|---|"
measure baseline "$work/baseline" "$baseline"
measure head "$work/head" HEAD
