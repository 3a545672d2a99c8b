#!/usr/bin/env python3
"""Independent check of the tiny hand case (docs/hand-case.md); not run by CI.

Two methods for every plan, which must agree:
  * the hand rules of docs/hand-case.md (closed forms: shortest feasible route, spots
    y = ceil((eta F - b) / a), lanes n = ceil((x - c) / dc), pi = q3 / (omega dc), ...);
  * a second, mechanical method: the NdP LP over every loopless route, solved by
    scipy's HiGHS (flows, lanes, spots, duals), a brute-force restoration knapsack, and
    Z2 from its definition with the buffered-hull areas.
Prints the hand table as Markdown. Run: python3 hand_check.py
"""
import itertools
import math

import numpy as np
from scipy.optimize import linprog

# ---- the case (the same numbers as case.json and the tables) -------------------------
OMEGA, PENALTY = 1e4, 1e8
EV_SHARE, ETA, A_SPOT, B_SPOT = 0.25, 0.1, 3.0, 4.0
RANGE, SOC_O, SOC_D = 100.0, 0.5, 0.5
STATION, SPOT = 163_000.0, 3_160.0
KW_SPOT, SIMULT = 22.0, 0.5            # power factor 1: no reactive power
LANE_COST, LANE_CAP, N_MAX = 500_000.0, 100.0, 10
SUB_CAP, SUB_COST, LINE_COST = 250.0, 5_000.0, 200_000.0
BUDGET, M_CLUSTER, N_LONG, P_COVER = 1_800_000.0, 1, 1, 0.5
NH, VOLL = 2.0, 5.0
FLEET_KWH = 1 * 300.0 * 0.5            # vehicles x energy x usable share
FLEET_KW = 1 * 250.0

nodes = {1: (0, 0), 2: (30, 0), 3: (60, 0), 4: (60, 16)}
# directed arcs: (tail, head, capacity veh/h, length km); t0 = length (60 km/h)
roads = [(1, 2, 300, 30), (2, 3, 2000, 30), (3, 4, 2000, 16), (1, 4, 2000, 64)]
arcs = []
for (u, v, cap, length) in roads:
    arcs += [(u, v, cap, length), (v, u, cap, length)]
t0 = [a[3] * 1.0 for a in arcs]
lane_ok = [1.0 if {a[0], a[1]} == {1, 2} else 0.0 for a in arcs]
demand = {(1, 3): 440.0, (2, 4): 240.0, (1, 4): 120.0}
sites = [(1, 2), (2, 3), (1, 4)]       # S1, S2, S3 (both directions of the road)
site_bus = [20, 30, 30]
site_arcs = [[i for i, a in enumerate(arcs) if {a[0], a[1]} == set(s)] for s in sites]
clusters = {1: 0, 2: 0, 3: 0, 4: 1}

def paths(o, d):
    """Every loopless path o -> d as arc lists."""
    out = []
    def walk(node, seen, route):
        if node == d:
            out.append(route)
            return
        for i, a in enumerate(arcs):
            if a[0] == node and a[1] not in seen:
                walk(a[1], seen | {a[1]}, route + [i])
    walk(o, {o}, [])
    return out

def feasible(route, station_arcs):
    soc = SOC_O
    for i in route:
        half = 0.5 * arcs[i][3] / RANGE
        soc -= half
        if soc < -1e-9:
            return False
        if i in station_arcs:
            soc = 1.0
        soc -= half
    return soc >= SOC_D - 1e-9

# ---- method 2: the NdP LP over all loopless routes (HiGHS) ---------------------------
def ndp_lp(bits):
    station_arcs = {i for s, b in zip(site_arcs, bits) if b for i in s}
    cols = []  # (kind, data)
    for (o, d), q in demand.items():
        for cls, share in (("conv", 1 - EV_SHARE), ("ev", EV_SHARE)):
            for r in paths(o, d):
                if cls == "conv" or feasible(r, station_arcs):
                    cols.append(("route", (o, d, cls, tuple(r))))
            cols.append(("unserved", (o, d, cls)))
    cols += [("lane", i) for i in range(len(arcs))]
    cols += [("spot", s) for s in range(len(sites))]
    c, bounds = [], []
    for kind, data in cols:
        if kind == "route":
            c.append(OMEGA * sum(t0[i] for i in data[3])); bounds.append((0, None))
        elif kind == "unserved":
            c.append(PENALTY); bounds.append((0, None))
        elif kind == "lane":
            c.append(LANE_COST * lane_ok[data]); bounds.append((0, N_MAX * lane_ok[data]))
        else:
            c.append(SPOT); bounds.append((0, 200.0 if bits[data] else 0.0))
    a_eq, b_eq = [], []
    for (o, d), q in demand.items():
        for cls, share in (("conv", 1 - EV_SHARE), ("ev", EV_SHARE)):
            row = [1.0 if (k == "route" and x[:3] == (o, d, cls)) or (k == "unserved" and x == (o, d, cls)) else 0.0
                   for k, x in cols]
            a_eq.append(row); b_eq.append(q * share)
    a_ub, b_ub = [], []
    for i, a in enumerate(arcs):  # x_a - dc n_a <= c_a
        row = [(1.0 if k == "route" and i in x[3] else 0.0) - (LANE_CAP * lane_ok[i] if k == "lane" and x == i else 0.0)
               for k, x in cols]
        a_ub.append(row); b_ub.append(a[2])
    for s in range(len(sites)):  # eta * EV flow through s - a y_s <= b
        if not bits[s]:
            continue
        row = [(ETA if k == "route" and x[2] == "ev" and set(x[3]) & set(site_arcs[s]) else 0.0)
               - (A_SPOT if k == "spot" and x == s else 0.0) for k, x in cols]
        a_ub.append(row); b_ub.append(B_SPOT)
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert res.status == 0, res.message
    x = res.x
    flow = np.zeros(len(arcs)); ev_site = np.zeros(len(sites)); unserved_ev = 0.0
    lanes = np.zeros(len(arcs)); spots = np.zeros(len(sites))
    for (k, data), v in zip(cols, x):
        if k == "route":
            for i in data[3]:
                flow[i] += v
            if data[2] == "ev":
                for s in range(len(sites)):
                    ev_site[s] += v * len(set(data[3]) & set(site_arcs[s]))
        elif k == "unserved" and data[2] == "ev":
            unserved_ev += v
        elif k == "lane":
            lanes[data] = v
        elif k == "spot":
            spots[data] = v
    pi = -np.array(res.ineqlin.marginals[:len(arcs)]) / OMEGA  # min per veh, >= 0
    ue = float(sum((t0[i] + pi[i]) * flow[i] for i in range(len(arcs))))
    int_lanes = [math.ceil(v - 1e-9) for v in lanes]
    int_spots = [math.ceil(v - 1e-9) for v in spots]
    return dict(ue=ue, unserved_ev=unserved_ev, lanes=int_lanes, spots=int_spots, ev_site=ev_site, pi=pi)

# ---- method 1: the hand rules --------------------------------------------------------
def hand_traffic(bits):
    station_arcs = {i for s, b in zip(site_arcs, bits) if b for i in s}
    flow = [0.0] * len(arcs); ev_site = [0.0] * len(sites); unserved = 0.0
    for (o, d), q in demand.items():
        routes = sorted(paths(o, d), key=lambda r: sum(t0[i] for i in r))
        for r in routes[:1]:  # conventional: the free-flow shortest route (pi is the same on every choice here)
            for i in r:
                flow[i] += q * (1 - EV_SHARE)
        ev = [r for r in routes if feasible(r, station_arcs)]
        if not ev:
            unserved += q * EV_SHARE
            continue
        for i in ev[0]:
            flow[i] += q * EV_SHARE
            for s in range(len(sites)):
                if i in site_arcs[s]:
                    ev_site[s] += q * EV_SHARE
    lanes = [math.ceil(max(0.0, flow[i] - arcs[i][2]) / LANE_CAP - 1e-9) if lane_ok[i] else 0 for i in range(len(arcs))]
    pi = [LANE_COST / (OMEGA * LANE_CAP) if flow[i] > arcs[i][2] else 0.0 for i in range(len(arcs))]
    spots = [math.ceil(max(0.0, ETA * f - B_SPOT) / A_SPOT - 1e-9) if b else 0 for f, b in zip(ev_site, bits)]
    ue = sum((t0[i] + pi[i]) * flow[i] for i in range(len(arcs)))
    return dict(ue=ue, unserved_ev=unserved, lanes=lanes, spots=spots, ev_site=ev_site, flow=flow)

# ---- Z2 and its constraints (clusters from the all-stations flows) -------------------
ref = hand_traffic([1, 1, 1])["flow"]
road_flow = [ref[2 * k] + ref[2 * k + 1] for k in range(len(roads))]
euclid = sorted(math.dist(nodes[u], nodes[v]) for (u, v, _, _) in roads)
radius = (euclid[1] + euclid[2]) / 4  # half the median edge length (4 edges)
def buffered_area(points):
    # Minkowski sum of the (possibly degenerate) hull with a disc: A + P r + pi r^2.
    pts = sorted(set(points))
    if len(pts) == 1:
        area, perim = 0.0, 0.0
    elif all((p[0] - pts[0][0]) * (pts[-1][1] - pts[0][1]) == (p[1] - pts[0][1]) * (pts[-1][0] - pts[0][0]) for p in pts):
        area, perim = 0.0, 2 * math.dist(pts[0], pts[-1])
    else:
        raise NotImplementedError("only collinear clusters in this case")
    return area + perim * radius + math.pi * radius * radius
ncl = max(clusters.values()) + 1
members = [[n for n in nodes if clusters[n] == c] for c in range(ncl)]
internal = [[k for k, (u, v, _, _) in enumerate(roads) if clusters[u] == clusters[v] == c] for c in range(ncl)]
density = [sum(road_flow[k] for k in internal[c]) / buffered_area([nodes[n] for n in members[c]]) for c in range(ncl)]
kappa = [0.0 if len(members[c]) < 2 else 2 * len(internal[c]) / (len(members[c]) * (len(members[c]) - 1)) for c in range(ncl)]
u_c = [0.5 * density[c] / max(density) + 0.5 * kappa[c] for c in range(ncl)]
long_range = [k for k, (u, v, _, _) in enumerate(roads) if clusters[u] != clusters[v]]
u_l = {k: road_flow[k] / max(road_flow[j] for j in long_range) for k in long_range}
road_of_site = [next(k for k, (u, v, _, _) in enumerate(roads) if {u, v} == set(s)) for s in sites]

def utility(bits):
    built = [road_of_site[s] for s in range(len(sites)) if bits[s]]
    served = {clusters[roads[k][0]] for k in built if k not in long_range}
    z2 = sum(u_c[c] for c in served) + sum(u_l[k] for k in built if k in long_range)
    in_cluster = sum(1 for k in built if k not in long_range)
    on_long = sum(1 for k in built if k in long_range)
    share = sum(density[c] for c in served) / sum(density)
    return z2, max(0, in_cluster - M_CLUSTER), max(0, on_long - N_LONG), max(0.0, P_COVER - share)

# ---- feeder (zero impedance: no losses, every voltage 1.0 pu) ------------------------
BASE = {20: 100.0, 30: 100.0}
RATING = {(10, 20): 1000.0, (20, 30): 150.0}
def feeder(bits, spots):
    load = dict(BASE)
    for s in range(len(sites)):
        if bits[s]:
            load[site_bus[s]] += spots[s] * KW_SPOT * SIMULT
    flows = {(10, 20): load[20] + load[30], (20, 30): load[30]}
    circuits = sum(math.ceil(f / RATING[b] - 1e-12) - 1 for b, f in flows.items())
    sub = load[20] + load[30]
    return sub, max(0.0, sub - SUB_CAP) * SUB_COST, circuits * LINE_COST, sum(load.values()) - 200.0

# ---- restoration: one 1-hour outage, binary pickup, no DGs ---------------------------
LOADS = [(100.0, 1.0), (100.0, 10.0)]  # (kW, VOLL weight): bus 20 residential, bus 30 hospital
def restoration(bits):
    fleets = sum(bits)
    energy, power = fleets * FLEET_KWH, fleets * FLEET_KW
    best = 0.0
    for pick in itertools.product([0, 1], repeat=len(LOADS)):  # brute force, 1 hour
        kw = sum(p * l[0] for p, l in zip(pick, LOADS))
        if kw <= min(energy, power) + 1e-9:
            best = max(best, sum(p * l[0] * l[1] for p, l in zip(pick, LOADS)))
    return best, NH * 1.0 * best * VOLL

# ---- the table ------------------------------------------------------------------------
rows = []
for mask in range(8):
    bits = [(mask >> s) & 1 for s in range(3)]
    hand, lp = hand_traffic(bits), ndp_lp(bits)
    assert abs(hand["ue"] - lp["ue"]) < 1e-6, (bits, hand["ue"], lp["ue"])
    assert abs(hand["unserved_ev"] - lp["unserved_ev"]) < 1e-6
    assert hand["lanes"] == lp["lanes"] and hand["spots"] == lp["spots"], (bits, hand, lp)
    spots = hand["spots"]
    sub, sub_usd, lines_usd, station_kw = feeder(bits, spots)
    z2, cl_x, lr_x, cov = utility(bits)
    served, r_usd = restoration(bits)
    costs = dict(stations=STATION * sum(bits), spots=SPOT * sum(spots), lanes=LANE_COST * sum(hand["lanes"]),
                 substation=sub_usd, lines=lines_usd)
    total = sum(costs.values())
    viol = dict(budget=max(0.0, total - BUDGET), cluster=cl_x, long=lr_x, coverage=cov, unserved=hand["unserved_ev"])
    feasible_plan = viol["budget"] == 0 and cl_x == 0 and lr_x == 0 and cov <= 1e-12 and viol["unserved"] <= 1e-6
    plan = "".join(str(b) for b in bits)
    rows.append((plan, hand, spots, costs, total, z2, served, r_usd, viol, feasible_plan, sub, station_kw))

print(f"radius {radius} km, densities {density}, U_c {u_c}, U_l {u_l}")
print("| plan | T veh·min/h | Z2 | stations | spots (S1,S2,S3) | spots $ | lanes | lanes $ | substation kVA | substation $ | lines $ | investment $ | restoration kWh_w | R $/yr | violations |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for plan, hand, spots, costs, total, z2, served, r_usd, viol, ok, sub, skw in rows:
    names = [k for k, v in viol.items() if v > 1e-9]
    print(f"| {plan} | {hand['ue']:.6g} | {z2:.10g} | {costs['stations']:.0f} | {tuple(spots)} | {costs['spots']:.0f} | "
          f"{sum(hand['lanes'])} | {costs['lanes']:.0f} | {sub:.0f} | {costs['substation']:.0f} | {costs['lines']:.0f} | "
          f"{total:.0f} | {served:.0f} | {r_usd:.0f} | {', '.join(f'{n} {viol[n]:.6g}' for n in names) or 'feasible'} |")
feas = [(p, [h["ue"], -z, t, -r]) for p, h, _, _, t, z, _, r, _, ok, _, _ in rows if ok]
front = [p for p, o in feas if not any(all(a <= b for a, b in zip(q, o)) and q != o for _, q in feas)]
print("feasible:", [p for p, _ in feas], "front:", front)

# ---- variant: at most one lane on 1->2 (HandCaseTests.laneAtItsMaximumPricesTheDetour) ----
N_MAX = 1
pi_111 = 20 - ETA * SPOT / (OMEGA * A_SPOT)
capped = {"000": 34_005, "100": 49_240, "010": 54_880, "110": 54_880, "001": 44_725, "101": 56_800,
          "011": 53_920, "111": 400 * (60 + pi_111) + 40 * 80 + 2_760 + 1_920 + 8_280 + 5_760}
for mask in range(8):
    bits = [(mask >> s) & 1 for s in range(3)]
    plan = "".join(str(b) for b in bits)
    lp = ndp_lp(bits)
    assert abs(lp["ue"] - capped[plan]) < 1e-6, (plan, lp["ue"], capped[plan])
    print(f"lane cap 1: plan {plan} T = {lp['ue']:.6f}, pi(1->2) = {lp['pi'][0]:.6f}, spots {lp['spots']}")
