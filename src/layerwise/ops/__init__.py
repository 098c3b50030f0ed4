"""Pure NumPy math kernels shared by layers: no state, arrays in, arrays out."""
