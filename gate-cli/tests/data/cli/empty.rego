package nothing

allow := true
