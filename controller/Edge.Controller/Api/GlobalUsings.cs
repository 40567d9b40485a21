// The API's records live in Edge.Common so edgectl reads the same types the controller writes.
global using Edge.Common.Api;
