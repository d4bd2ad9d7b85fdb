// Axisymmetric galvanic cell for scenarios/galvanic_mg_steel.yaml: the (r, z) section (x = r, metres) of a cylinder of
// electrolyte, radius 10 cm and height 7.5 cm. On its floor (z = 0): a magnesium-alloy disk r < 5 cm ("mg") inside a
// mild-steel annulus 5 cm < r < 10 cm ("steel"). The top carries a small reference patch at the axis, r < 2 mm ("ref":
// the point where the electrolyte potential is 0, like a Luggin capillary); the rest of the top ("top"), the outer
// wall ("wall") and the axis ("axis") are insulating. Triangles (Frontal-Delaunay) graded toward the Mg/steel
// junction (h = hj there) and along the floor (h = hf), coarse (h = hc) in the bulk.
// Generate: gmsh -2 -format msh22 galvanic_mg_steel.geo -o galvanic_mg_steel.msh              (scenario mesh)
//           gmsh -2 -format msh22 -setnumber refine 0.25 galvanic_mg_steel.geo -o galvanic_mg_steel_coarse.msh
//                                                                                           (regression test mesh)
If (!Exists(refine))
  refine = 1;
EndIf
R  = 0.10;   // cell radius (m)
H  = 0.075;  // electrolyte height (m)
Rm = 0.05;   // radius of the Mg disk (m)
Rr = 0.002;  // radius of the reference patch (m)
hc = 0.006 / refine;   // bulk
hf = 0.0015 / refine;  // along the floor
hj = 0.00015 / refine; // at the junction
Point(1) = {0, 0, 0, hf};
Point(2) = {Rm, 0, 0, hj};
Point(3) = {R, 0, 0, hf};
Point(4) = {R, H, 0, hc};
Point(5) = {Rr, H, 0, hc};
Point(6) = {0, H, 0, hc};
Line(1) = {1, 2};   // mg
Line(2) = {2, 3};   // steel
Line(3) = {3, 4};   // wall
Line(4) = {4, 5};   // top
Line(5) = {5, 6};   // ref
Line(6) = {6, 1};   // axis
Curve Loop(1) = {1, 2, 3, 4, 5, 6};
Plane Surface(1) = {1};
Physical Curve("mg") = {1};
Physical Curve("steel") = {2};
Physical Curve("wall") = {3};
Physical Curve("top") = {4};
Physical Curve("ref") = {5};
Physical Curve("axis") = {6};
Physical Surface("electrolyte") = {1};
// size fields: fine at the junction, graded along the floor
Field[1] = Distance;
Field[1].PointsList = {2};
Field[2] = Threshold;
Field[2].InField = 1;
Field[2].SizeMin = hj;
Field[2].SizeMax = hc;
Field[2].DistMin = 4 * hj;
Field[2].DistMax = 0.06;
Field[3] = Distance;
Field[3].CurvesList = {1, 2};
Field[3].NumPointsPerCurve = 400;
Field[4] = Threshold;
Field[4].InField = 3;
Field[4].SizeMin = hf;
Field[4].SizeMax = hc;
Field[4].DistMin = 0.002;
Field[4].DistMax = 0.04;
Field[5] = Min;
Field[5].FieldsList = {2, 4};
Background Field = 5;
Mesh.MeshSizeExtendFromBoundary = 0;
Mesh.MeshSizeFromPoints = 0;
Mesh.MeshSizeFromCurvature = 0;
Mesh.Algorithm = 6; // Frontal-Delaunay
