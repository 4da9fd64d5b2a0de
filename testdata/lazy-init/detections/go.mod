module example.com/detections

go 1.22
