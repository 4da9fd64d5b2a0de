module example.com/distribution
