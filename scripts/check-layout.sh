#!/usr/bin/env bash
# The rooms of src/ and the one direction of their includes (docs/layout.md): a room may include
# itself and the rooms before it in ORDER, nothing after. An exception would be listed with its
# reason; anything else is printed and fails (exit 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ORDER=(util io audio text neighbours cluster study data models metrics engine results pipeline sweep report app)
# room:included: why it is allowed (none today; keep the mechanism for a reasoned one)
EXCEPTIONS=()
status=0
for ((i = 0; i < ${#ORDER[@]}; i++)); do
  room=${ORDER[$i]}
  [ -d "$root/src/$room" ] || { echo "check-layout: src/$room is missing"; status=1; continue; }
  allowed=" ${ORDER[*]:0:$((i + 1))} "
  while IFS= read -r line; do
    file=${line%%:*}
    included=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$line")
    [[ $allowed == *" $included "* ]] && continue
    [[ " ${EXCEPTIONS[*]} " == *" $room:$included "* ]] && continue
    [ -d "$root/src/$included" ] || continue  # not one of ours (e.g. a library's "foo/bar.h")
    echo "check-layout: ${file#"$root"/} includes $included/, which comes after $room in docs/layout.md"
    status=1
  done < <(grep -HE '^#include "[a-z_]+/' "$root/src/$room"/*.[ch]pp 2>/dev/null || true)
done
for dir in "$root"/src/*/; do
  name=$(basename "$dir")
  [[ " ${ORDER[*]} " == *" $name "* ]] || { echo "check-layout: src/$name is in no place of the order"; status=1; }
done
# Each room's code lives in its own namespace: vaesweep::<room>, and util's and study's (the
# foundation and the study's vocabulary, which every room reads) in vaesweep itself. A file that
# opens any vaesweep namespace opens its room's; another room's may be opened beside it only for a
# forward declaration or an argument-dependent lookup hook.
for dir in "$root"/src/*/; do
  room=$(basename "$dir")
  case $room in util | study) own='^namespace vaesweep \{' ;; *) own="^namespace vaesweep::$room( \{|::)" ;; esac
  for file in "$dir"*.[ch]pp; do
    [ -e "$file" ] || continue
    grep -qE '^namespace vaesweep( |::)' "$file" || continue  # an entry point outside the namespaces
    grep -qE "$own" "$file" && continue
    echo "check-layout: ${file#"$root"/} does not open its room's namespace (${own#^namespace })"
    status=1
  done
done
[ $status -eq 0 ] && echo "check-layout: every include of src/ follows the rooms' order, and each room's code is in its namespace"
exit $status
