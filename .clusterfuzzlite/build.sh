#!/bin/bash -eu
# ClusterFuzzLite entry point: the OSS-Fuzz style build of fuzz/.
exec "$SRC/vmir/fuzz/oss-fuzz/build.sh"
