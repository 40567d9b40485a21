#!/bin/bash
# Per-instance cost of Edge's network measurement and enforcement (Supervisor:NetworkIsolation=always), as root:
# the same iproute2/tc runs as agent/Edge.Agent/Supervision/NetworkIsolator.cs for N instances.
# Run: sudo tests/Edge.Benchmarks/instance-network.sh 20   (results: docs/benchmarks-agent.md, "Instance network")
set -e
# Setup (as NetworkIsolator does: netns add + 2 ip -batch + 2 tc), resize (2 tc), teardown, N instances.
N=${1:-20}
t0=$(date +%s%N)
for i in $(seq 1 $N); do h=$(printf "b%07x" $i)
ip netns add edge-$h
printf "link add veh-$h type veth peer name vei-$h netns edge-$h\nlink set veh-$h addrgenmode none\naddr add 10.251.$i.1/30 dev veh-$h\nlink set veh-$h up\n" | ip -batch -
printf "link set vei-$h addrgenmode none\naddr add 10.251.$i.2/30 dev vei-$h\nlink set vei-$h up\nlink set lo up\nroute add default via 10.251.$i.1\n" | ip -n edge-$h -batch -
ip netns exec edge-$h tc qdisc replace dev vei-$h root tbf rate 8000kbit burst 10000 latency 50ms
tc qdisc replace dev veh-$h root tbf rate 8000kbit burst 10000 latency 50ms
done
t1=$(date +%s%N)
for i in $(seq 1 $N); do h=$(printf "b%07x" $i)
ip netns exec edge-$h tc qdisc replace dev vei-$h root tbf rate 16000kbit burst 20000 latency 50ms
tc qdisc replace dev veh-$h root tbf rate 16000kbit burst 20000 latency 50ms
done
t2=$(date +%s%N)
for i in $(seq 1 $N); do h=$(printf "b%07x" $i); ip netns del edge-$h; ip link del veh-$h 2>/dev/null || true; done
t3=$(date +%s%N)
echo "instances $N: setup $(( (t1-t0)/N/1000000 )) ms each, resize $(( (t2-t1)/N/1000000 )) ms each, teardown $(( (t3-t2)/N/1000000 )) ms each; load $(cut -d' ' -f1-3 /proc/loadavg)"
