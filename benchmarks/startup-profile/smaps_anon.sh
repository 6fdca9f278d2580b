awk '/^[0-9a-f]+-[0-9a-f]+ /{range=$1; perm=$2; name=$6} /^Rss:/{ if (name=="" && $2>=256) printf "%8d kB rss  %s %s\n", $2, range, perm }' /proc/$1/smaps | sort -rn | head -25
