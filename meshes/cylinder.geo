// Square [0, 1] x [0, 1]: the (r, z) section of a solid cylinder R = 1, H = 1 (left = the axis) for
// -ness_coordinates axisymmetric (x = r). Unstructured triangles (Frontal-Delaunay), boundary physical groups named by side.
// Generate: gmsh -2 -format msh22 -clscale S cylinder.geo -o cylinder_hN.msh  (see meshes/README.md)
h = 0.25;
Point(1) = {0, 0, 0, h};
Point(2) = {1, 0, 0, h};
Point(3) = {1, 1, 0, h};
Point(4) = {0, 1, 0, h};
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
