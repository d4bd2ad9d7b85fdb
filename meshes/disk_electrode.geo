// Disk electrode in an insulating plane, axisymmetric (x = r, y = z), in units of the disk radius r0 (scale with
// -ness_mesh_scale r0): the quarter disk r^2 + z^2 <= Rinf^2 above the plane z = 0, with Rinf = 100 r0.
// Boundaries: "disk" (z = 0, r < 1), "plane" (z = 0, 1 < r < Rinf: insulator), "axis" (r = 0), "far" (the
// hemisphere r^2 + z^2 = Rinf^2: the counter electrode / bulk reference at "infinity").
// Triangles (Frontal-Delaunay) graded toward the disk edge (r = 1, z = 0), where the primary current density
// is singular: h = he there, hd along the disk, growing to hc far away.
// Generate: gmsh -2 -format msh22 disk_electrode.geo -o disk_electrode.msh                       (scenario)
//           gmsh -2 -format msh22 -setnumber refine 0.25 disk_electrode.geo -o disk_electrode_coarse.msh  (test)
If (!Exists(refine))
  refine = 1;
EndIf
Rinf = 100;
he = 0.001 / refine;
hd = 0.01 / refine;
hc = 6 / refine;
Point(1) = {0, 0, 0, hd};
Point(2) = {1, 0, 0, he};
Point(3) = {Rinf, 0, 0, hc};
Point(4) = {0, Rinf, 0, hc};
Line(1) = {1, 2};          // disk
Line(2) = {2, 3};          // plane
Circle(3) = {3, 1, 4};     // far
Line(4) = {4, 1};          // axis
Curve Loop(1) = {1, 2, 3, 4};
Plane Surface(1) = {1};
Physical Curve("disk") = {1};
Physical Curve("plane") = {2};
Physical Curve("far") = {3};
Physical Curve("axis") = {4};
Physical Surface("electrolyte") = {1};
Field[1] = Distance;
Field[1].PointsList = {2};
Field[2] = Threshold;          // fine at the edge, h ~ distance/4 out to 2 r0
Field[2].InField = 1;
Field[2].SizeMin = he;
Field[2].SizeMax = hc;
Field[2].DistMin = 2 * he;
Field[2].DistMax = 60;
Field[2].Sigmoid = 0;
Field[3] = Distance;
Field[3].CurvesList = {1};
Field[3].NumPointsPerCurve = 400;
Field[4] = Threshold;          // along the disk
Field[4].InField = 3;
Field[4].SizeMin = hd;
Field[4].SizeMax = hc;
Field[4].DistMin = 0.05;
Field[4].DistMax = 60;
Field[5] = MathEval;           // geometric growth away from the edge: h = he + 0.25 * distance
Field[5].F = Sprintf("%g + 0.25 * sqrt((x - 1)^2 + y^2)", he);
Field[6] = Min;
Field[6].FieldsList = {2, 4, 5};
Background Field = 6;
Mesh.MeshSizeExtendFromBoundary = 0;
Mesh.MeshSizeFromPoints = 0;
Mesh.MeshSizeFromCurvature = 0;
Mesh.Algorithm = 6; // Frontal-Delaunay
