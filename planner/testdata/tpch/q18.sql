-- TPC-H Q18 in MySQL form, with the specification's validation parameters
-- project: tpch
-- ordered
select
	c_name,
	c_custkey,
	o_orderkey,
	o_orderdate,
	o_totalprice,
	sum(l_quantity)
from
	customer_1,
	orders_1,
	lineitem_1
where
	o_orderkey in (
		select
			l_orderkey
		from
			lineitem_1
		group by
			l_orderkey having
				sum(l_quantity) > 300
	)
	and c_custkey = o_custkey
	and o_orderkey = l_orderkey
group by
	c_name,
	c_custkey,
	o_orderkey,
	o_orderdate,
	o_totalprice
order by
	o_totalprice desc,
	o_orderdate
limit 100
