-- TPC-H Q17 in MySQL form, with the specification's validation parameters
-- project: tpch
select
	sum(l_extendedprice) / 7.0 as avg_yearly
from
	lineitem_1,
	part_1
where
	p_partkey = l_partkey
	and p_brand = 'Brand#23'
	and p_container = 'MED BOX'
	and l_quantity < (
		select
			0.2 * avg(l_quantity)
		from
			lineitem_1
		where
			l_partkey = p_partkey
	)
