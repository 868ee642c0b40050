package demo_test

import data.demo

test_y_is_denied if {
	print("deny:", demo.deny)
	demo.deny["y is two"] with input as {"y": 1}
}
