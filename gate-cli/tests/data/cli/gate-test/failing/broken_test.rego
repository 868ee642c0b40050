package demo_test

test_fails if { false }
