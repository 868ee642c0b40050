package demo_test

import data.demo

test_x_one_is_denied if {
	demo.deny["x is one"] with input as {"x": 1}
}

test_x_two_is_allowed if {
	count(demo.deny) == 0 with input as {"x": 2}
}

test_old_log4j_warns if {
	demo.warn["log4j is old"] with input as {"components": [{"name": "log4j", "version": "2.14.1"}]}
}
