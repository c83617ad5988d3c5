-- TPC-H Q11 in MySQL form, with the specification's validation parameters
-- project: tpch
-- ordered
select
	ps_partkey,
	sum(ps_supplycost * ps_availqty) as value
from
	partsupp_1,
	supplier_1,
	nation_1
where
	ps_suppkey = s_suppkey
	and s_nationkey = n_nationkey
	and n_name = 'GERMANY'
group by
	ps_partkey having
		sum(ps_supplycost * ps_availqty) > (
			select
				sum(ps_supplycost * ps_availqty) * 0.0001000000
			from
				partsupp_1,
				supplier_1,
				nation_1
			where
				ps_suppkey = s_suppkey
				and s_nationkey = n_nationkey
				and n_name = 'GERMANY'
		)
order by
	value desc
