function mpc = case3hand
%CASE3HAND  Three-bus radial feeder of the tiny hand case (docs/hand-case.md).
%   Zero impedance: no losses and every voltage equals the source voltage, so the
%   substation load is the sum of the loads and a branch's flow the sum downstream.
%   Buses are numbered 10, 20, 30 (not 1-3) so that a bus index mistaken for a
%   bus number cannot go unnoticed. Branch 20-30 is rated 150 kVA (0.15 MVA) to force a reinforcement in some plans.

mpc.version = '2';
mpc.baseMVA = 1;

%% bus data
%	bus_i	type	Pd	Qd	Gs	Bs	area	Vm	Va	baseKV	zone	Vmax	Vmin
mpc.bus = [
	10	3	0	0	0	0	1	1	0	11	1	1.05	0.95;
	20	1	0.1	0	0	0	1	1	0	11	1	1.05	0.95;
	30	1	0.1	0	0	0	1	1	0	11	1	1.05	0.95;
];

%% generator data
%	bus	Pg	Qg	Qmax	Qmin	Vg	mBase	status	Pmax	Pmin
mpc.gen = [
	10	0	0	10	-10	1	1	1	10	0;
];

%% branch data
%	fbus	tbus	r	x	b	rateA	rateB	rateC	ratio	angle	status	angmin	angmax
mpc.branch = [
	10	20	0	0	0	1.0	1.0	1.0	0	0	1	-360	360;
	20	30	0	0	0	0.15	0.15	0.15	0	0	1	-360	360;
];
