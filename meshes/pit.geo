// Hemispherical pit, axisymmetric (x = r, y = z), in units of the pit radius a (scale with -ness_mesh_scale a):
// the pit r^2 + z^2 <= 1, z <= 0, open to the half space above the metal surface z = 0, cut at the hemisphere
// r^2 + z^2 = Rb^2 (Rb = 20 a). Boundaries: "pit" (the pit wall, the actively dissolving metal), "surface" (the
// passive metal surface z = 0, 1 < r < Rb), "far" (the bulk-solution hemisphere), "axis" (r = 0).
// Triangles (Frontal-Delaunay), fine at the pit mouth (r = 1, z = 0, a re-entrant corner of the electrolyte) and
// along the pit wall.
// Generate: gmsh -2 -format msh22 pit.geo -o pit.msh                                  (scenario)
//           gmsh -2 -format msh22 -setnumber refine 0.33 pit.geo -o pit_coarse.msh     (regression test)
If (!Exists(refine))
  refine = 1;
EndIf
Rb = 20;
hm = 0.0067 / refine;  // at the pit mouth
hp = 0.027 / refine;  // along the pit wall
hc = 2 / refine;     // far away
Point(1) = {0, 0, 0, hp};     // centre (arc centre)
Point(2) = {0, -1, 0, hp};    // pit bottom
Point(3) = {1, 0, 0, hm};     // pit mouth
Point(4) = {Rb, 0, 0, hc};
Point(5) = {0, Rb, 0, hc};
Circle(1) = {2, 1, 3};        // pit wall
Line(2) = {3, 4};             // passive surface
Circle(3) = {4, 1, 5};        // far
Line(4) = {5, 2};             // axis (through the centre point)
Curve Loop(1) = {1, 2, 3, 4};
Plane Surface(1) = {1};
Physical Curve("pit") = {1};
Physical Curve("surface") = {2};
Physical Curve("far") = {3};
Physical Curve("axis") = {4};
Physical Surface("electrolyte") = {1};
Field[1] = Distance;
Field[1].PointsList = {3};
Field[2] = MathEval;          // grows linearly away from the mouth
Field[2].F = Sprintf("%g + 0.2 * sqrt((x - 1)^2 + y^2)", hm);
Field[3] = Distance;
Field[3].CurvesList = {1};
Field[3].NumPointsPerCurve = 400;
Field[4] = Threshold;
Field[4].InField = 3;
Field[4].SizeMin = hp;
Field[4].SizeMax = hc;
Field[4].DistMin = 0.2;
Field[4].DistMax = 15;
Field[5] = Min;
Field[5].FieldsList = {2, 4};
Background Field = 5;
Mesh.MeshSizeExtendFromBoundary = 0;
Mesh.MeshSizeFromPoints = 0;
Mesh.MeshSizeFromCurvature = 0;
Mesh.Algorithm = 6; // Frontal-Delaunay
