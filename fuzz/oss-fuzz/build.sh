#!/bin/bash -eu
# OSS-Fuzz style build of the vmir fuzz harnesses (docs/fuzzing.md).
# Honours $CC $CFLAGS $LIB_FUZZING_ENGINE $OUT (and $SRC, $WORK when set);
# writes $OUT/vmir-<target> plus, beside each binary, its seed corpus
# (<binary>_seed_corpus.zip) and dictionary (<binary>.dict).
# Run from anywhere; the source tree is the folder two levels up.
src=$(cd "$(dirname "$0")/../.." && pwd)
work=${WORK:-$(mktemp -d)}
out=${OUT:?OUT must name the output folder}
: "${CC:=clang}" "${CFLAGS:=}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
build="$work/vmir-build"

# The library and the harness objects, compiled with the engine's flags
# ($CFLAGS carries the sanitizer and coverage options); only the link step
# below adds $LIB_FUZZING_ENGINE.
rm -rf "$build"
CC="$CC" CFLAGS="$CFLAGS" meson setup "$build" "$src" \
  -Ddefault_library=static -Dbuildtype=plain -Dwerror=false -Db_lundef=false \
  -Djit_llvm=disabled -Djit_gccjit=disabled
ninja -C "$build" fuzz/libvmir_fuzz_common.a engine/libvmir.a conformance/models/libvmir_models.a \
  engine/libvmir_reference.a

libs=("$build/fuzz/libvmir_fuzz_common.a" "$build/conformance/models/libvmir_models.a"
      "$build/engine/libvmir_reference.a" "$build/engine/libvmir.a")
incs=(-I"$src/fuzz" -I"$src/bench" -I"$src/conformance" -I"$src/conformance/models"
      -I"$src/engine/include" -I"$src/engine" $(pkg-config --cflags json-c msgpack))
peers=$(pkg-config --libs json-c msgpack)

# A C++ linker where the engine is libFuzzer (its runtime is C++).
link=${CXX:-clang++}

declare -A dict=([json-decode]=json [msgpack-decode]=msgpack [diff-decode]="json msgpack"
                 [ir-text]=vmir [ir-binary]=vmir [shape-text]=vmir)
for target in diff-encode diff-decode ir-text ir-binary shape-text json-decode msgpack-decode kernels; do
  c=${target//-/_}.c
  bin="$out/vmir-$target"
  $CC $CFLAGS -std=c17 -D_POSIX_C_SOURCE=200809L -DVMIR_FUZZ_MAIN_LIBFUZZER "${incs[@]}" \
    -c "$src/fuzz/$c" -o "$work/$target.o"
  $CC $CFLAGS -std=c17 -D_POSIX_C_SOURCE=200809L -DVMIR_FUZZ_MAIN_LIBFUZZER "${incs[@]}" \
    -c "$src/fuzz/driver.c" -o "$work/$target-driver.o"
  $link $CFLAGS "$work/$target.o" "$work/$target-driver.o" "${libs[@]}" $LIB_FUZZING_ENGINE \
    $peers -lm -lpthread -o "$bin"
  (cd "$src/fuzz/seeds/$target" && zip -q -r "${bin}_seed_corpus.zip" .)
  if [ -n "${dict[$target]:-}" ]; then
    : >"$bin.dict"
    for d in ${dict[$target]}; do cat "$src/fuzz/dicts/$d.dict" >>"$bin.dict"; done
  fi
done
