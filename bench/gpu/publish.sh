#!/usr/bin/env bash
# Publishes the GPU bench (bench/KernelGen.GpuBench) for linux-x64 as one compressed, self-contained file in
# bench/gpu/out/ (git-ignored), for a GPU machine without .NET. ILGPU emits code with Reflection.Emit, so no
# trimming and no NativeAOT. Fails when the folder exceeds 45 MB: it travels to the GPU machine with the tree.
set -euo pipefail
cd "$(dirname "$0")/../.."

out_dir=bench/gpu/out
limit_bytes=$((45 * 1000 * 1000))

rm -rf "$out_dir"
dotnet publish bench/KernelGen.GpuBench/KernelGen.GpuBench.csproj -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
  -p:DebugType=none -p:PublishReferencesDocumentationFiles=false -o "$out_dir"

folder_bytes=$(du -sb "$out_dir" | cut -f1)
ls -l "$out_dir"
echo "published $out_dir/KernelGen.GpuBench: $out_dir holds $folder_bytes bytes ($((folder_bytes / 1000000)) MB; limit 45 MB)"
if ((folder_bytes > limit_bytes)); then
  echo "error: $out_dir is over 45 MB" >&2
  exit 1
fi
