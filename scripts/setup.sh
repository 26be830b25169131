#!/usr/bin/env bash
# Set up a machine for gpuarray: a Vulkan loader and, when no GPU driver is present, Mesa's CPU
# Vulkan driver (lavapipe); then the package with its test dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
if ! ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 && ! ls /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq mesa-vulkan-drivers libvulkan1 >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e ".[test]"
