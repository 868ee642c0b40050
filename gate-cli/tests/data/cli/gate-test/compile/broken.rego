package broken

deny contains msg if {
    input.x == 
    msg := "x"
}
