// Rectangle [1, 2] x [0, 1]: the (r, z) section of an annular cylinder R1 = 1, R2 = 2, H = 1 for
// -ness_coordinates axisymmetric (x = r). Unstructured triangles (Frontal-Delaunay), boundary physical groups named by side.
// Generate: gmsh -2 -format msh22 -clscale S annulus.geo -o annulus_hN.msh  (see meshes/README.md)
h = 0.25;
Point(1) = {1, 0, 0, h};
Point(2) = {2, 0, 0, h};
Point(3) = {2, 1, 0, h};
Point(4) = {1, 1, 0, h};
Line(1) = {1, 2};
Line(2) = {2, 3};
Line(3) = {3, 4};
Line(4) = {4, 1};
Curve Loop(1) = {1, 2, 3, 4};
Plane Surface(1) = {1};
Physical Curve("bottom") = {1};
Physical Curve("right") = {2};
Physical Curve("top") = {3};
Physical Curve("left") = {4};
Physical Surface("electrolyte") = {1};
Mesh.Algorithm = 6; // Frontal-Delaunay: no non-Delaunay edges at h1..h4
