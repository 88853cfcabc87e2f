# bench/lib.sh: helpers the bench scripts share (sourced).

# med: the median of the numbers on stdin, one per line ("-" for none).
med () {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-";
		else if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# free_port: a TCP port nobody listens on, from a random base.
free_port () {
	fp=$(($(od -An -N2 -tu2 /dev/urandom) % 20000 + 30000))
	while ss -Hltn "sport = :$fp" | grep -q .
	do
		fp=$((fp + 1))
	done
	echo $fp
}
